"""manage.py export_foods --format csv|xlsx|json [--output FILE]: the food table, one row per food."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nutrition.exports import FORMATS, export_foods


class Command(BaseCommand):
    help = (
        "Export every food with its group, source, diets, allergens and amounts per 100 g of each nutrient. "
        "Unknown amounts are empty (CSV, XLSX) or null (JSON). Writes to stdout unless --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", type=Path, help="File to write (needed for xlsx on a terminal).")

    def handle(self, *args, format, output, **options):
        data = export_foods(format)
        if output is not None:
            if isinstance(data, bytes):
                Path(output).write_bytes(data)
            else:
                Path(output).write_text(data, encoding="utf-8")
            return
        if isinstance(data, str):
            self.stdout.write(data, ending="")
            return
        stream = getattr(self.stdout, "_out", self.stdout)
        buffer = getattr(stream, "buffer", None)
        if buffer is None or stream.isatty():
            raise CommandError("xlsx is a binary format: pass --output FILE or redirect stdout to a file.")
        stream.flush()
        buffer.write(data)
        buffer.flush()
