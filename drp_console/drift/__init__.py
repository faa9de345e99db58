"""The drift check (`drp check`): a runbook's read calls, checks, `when` conditions and
parameters against the project, reporting what no longer matches the plan. Nothing that can
change anything is ever sent."""
