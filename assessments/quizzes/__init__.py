"""The item bank's pure rules: automatic, explainable marking per item type and seeded drawing of quiz items."""
