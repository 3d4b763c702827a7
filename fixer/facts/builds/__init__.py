"""What a service's build does with its context: the sources it takes that the context
does not send, and so whether the service ever starts (`stops.py`)."""
