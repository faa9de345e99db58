"""The Textual console: launcher, run screen, dialogs (the only package that imports textual)."""
