# An invitation's row is claimed through portal.once.claimed, which reads back the rows it
# inserted by this token. Rows from before get one token of their own (they are never read back).

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("turnin", "0002_turnin_receipt"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointmentemail",
            name="claim_token",
            field=models.UUIDField(
                db_index=True, default=uuid.uuid4, editable=False, help_text="The task run that claimed it."
            ),
            preserve_default=False,
        ),
    ]
