"""Words lessees use for the same thing: one table for query expansion on every database.

Each group is a set of interchangeable phrases; a query that contains one of them also
searches for the others. Phrases are lower case, words separated by single spaces.
"""

SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("turn in", "return", "drop off", "hand back", "give back", "bring back"),
    ("buyout", "payoff", "purchase", "buy"),
    ("tire", "tyre", "tires", "tyres"),
    ("plates", "plate", "tags", "tag", "license plate"),
    ("extension", "extend", "more time", "keep longer", "longer"),
    ("early return", "end early", "terminate", "termination", "break"),
    ("deposit", "security deposit"),
    ("options", "choices", "choose"),
    ("bill", "invoice", "statement"),
    ("pay", "payment"),
    ("miles", "mileage"),
    ("dealer", "dealership"),
    ("car", "vehicle", "auto"),
    ("two factor", "2fa", "mfa", "authenticator", "two step"),
    ("co lessee", "cosigner", "co signer", "joint"),
    ("dent", "ding", "scratch", "damage"),
    ("refund", "money back"),
    ("appointment", "booking", "schedule"),
    ("link", "connect", "add"),
    ("quote", "estimate"),
    ("fee", "charge", "cost", "penalty"),
    ("title", "pink slip"),
    ("password", "sign in", "log in", "login"),
    ("dispute", "disagree", "wrong", "challenge"),
)

# Spanish, written without accents (queries and the Spanish index are compared without them).
SYNONYMS_ES: tuple[tuple[str, ...], ...] = (
    ("devolver", "devolucion", "entregar", "entrega", "regresar", "dejar el auto"),
    ("comprar", "compra", "liquidacion", "liquidar", "quedarme con", "opcion de compra"),
    ("llanta", "llantas", "neumatico", "neumaticos", "goma", "gomas"),
    ("placas", "placa", "matricula", "tablilla", "chapas"),
    ("extension", "extender", "prorroga", "mas tiempo", "alargar"),
    ("devolucion anticipada", "terminar antes", "terminacion anticipada", "cancelar el contrato", "antes de tiempo"),
    ("deposito", "deposito de garantia", "fianza"),
    ("opciones", "alternativas", "elegir"),
    ("factura", "estado de cuenta", "cobro final"),
    ("pagar", "pago", "abonar"),
    ("millas", "millaje", "kilometraje", "odometro"),
    ("concesionario", "concesionaria", "agencia", "dealer"),
    ("auto", "carro", "coche", "vehiculo"),
    ("dos factores", "dos pasos", "autenticador", "codigo de verificacion"),
    ("coarrendatario", "cosignatario", "cotitular"),
    ("abolladura", "golpe", "rayon", "rayadura", "dano", "danos"),
    ("reembolso", "devolucion de dinero", "me devuelven"),
    ("cita", "reservar", "agendar", "programar"),
    ("vincular", "enlazar", "agregar", "conectar"),
    ("cotizacion", "presupuesto", "estimado", "estimacion"),
    ("cargo", "cargos", "cobro", "tarifa", "costo", "penalidad", "multa por"),
    ("titulo", "titulo de propiedad"),
    ("contrasena", "clave", "iniciar sesion", "entrar"),
    ("disputa", "reclamar", "reclamo", "no estoy de acuerdo", "error", "impugnar"),
    ("seguro", "aseguradora", "poliza"),
    ("peaje", "peajes", "multa", "multas", "infraccion"),
)
