"""Demo data as a job: ``flask --app matchsvc seed-demo`` (bulk profiles in :mod:`.seed`, drawn
from the word lists of :mod:`.data`; every member, reviewer and organizer journey set up through
the real service functions in :mod:`.journeys`)."""
