"""The widgets of the run screen: header clocks, steps table, detail pane, timeline."""
