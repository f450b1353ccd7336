"""Job handlers of the registry (imports); registered when the app is ready."""
