"""The labs a journal records, as model choices: names and labels from `planner.labs`."""

from planner.labs import LABS

LAB_CHOICES = [(lab.name, lab.label) for lab in LABS.values()]
