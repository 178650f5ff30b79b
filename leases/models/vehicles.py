"""Vehicles, their makes and the equipment that must come back with them."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from leases.identifiers import validate_vin
from leases.models.fields import MoneyField


class Make(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Vehicle(models.Model):
    vin = models.CharField("VIN", max_length=17, unique=True, validators=[validate_vin])
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1980), MaxValueValidator(2100)])
    make = models.ForeignKey(Make, on_delete=models.PROTECT, related_name="vehicles")
    model = models.CharField(max_length=60)
    trim = models.CharField(max_length=60, blank=True)
    body_type = models.CharField(max_length=40, help_text="e.g. 4-door sedan, SUV, pickup")
    colour = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.year} {self.make} {self.model}"

    @property
    def description(self) -> str:
        return " ".join(p for p in [str(self.year), self.make.name, self.model, self.trim] if p)

    def clean(self) -> None:
        self.vin = (self.vin or "").upper()


class VehicleEquipment(models.Model):
    """An item delivered with the vehicle that must come back with it (keys, remotes, seats)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(max_length=80)
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    charge_each = MoneyField(
        "charge for each one not returned",
        default=0,
        help_text="What the final bill charges for each one missing at the return. The kit shows it beforehand.",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = "equipment item"
        verbose_name_plural = "equipment items"
        constraints = [models.UniqueConstraint(fields=["vehicle", "name"], name="equipment_unique_per_vehicle")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

