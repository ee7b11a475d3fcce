"""manage.py build_reference_intakes: turn nutrition/curation/*.csv into fixtures/reference_intakes.json."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nutrition.intake_tables import (
    ADJUSTMENTS_CSV,
    INTAKES_CSV,
    INTAKES_FIXTURE,
    IntakeTableError,
    fixture_text,
    reference_intake_fixture,
)


class Command(BaseCommand):
    help = (
        "Check the hand-kept reference intake tables (NIH ODS fact sheets) and write them as a fixture with "
        "natural keys. Nothing is written when any row has a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("--intakes", type=Path, default=INTAKES_CSV, help="Reference intakes CSV.")
        parser.add_argument("--adjustments", type=Path, default=ADJUSTMENTS_CSV, help="Intake adjustments CSV.")
        parser.add_argument("--output", type=Path, default=INTAKES_FIXTURE, help="Fixture file to write.")

    def handle(self, *args, intakes, adjustments, output, **options):
        try:
            records = reference_intake_fixture(intakes, adjustments)
        except IntakeTableError as exc:
            raise CommandError(f"{output} was not written:\n" + "\n".join(exc.problems)) from exc
        output.write_text(fixture_text(records), encoding="utf-8")
        intake_count = sum(1 for r in records if r["model"] == "nutrition.referenceintake")
        self.stdout.write(
            f"Wrote {output}: {intake_count} reference intakes, {len(records) - intake_count} adjustments."
        )
