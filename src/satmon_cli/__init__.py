"""The `satmon` command line: local stack, simulator, training, evaluation."""
