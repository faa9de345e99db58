"""Modal dialogs for people's answers, the operator's name and secret parameters."""
