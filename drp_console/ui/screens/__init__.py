"""The console's screens: the launcher, a run, its report, the training score card."""
