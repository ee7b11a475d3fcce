"""Hand-kept curation lists for the planner (meals.csv) and the code that turns them into fixtures."""
