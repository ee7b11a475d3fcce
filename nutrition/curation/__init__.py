"""Hand-kept curation lists and the code that turns them into fixtures anyone can rebuild."""
