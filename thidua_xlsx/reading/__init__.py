"""The reader's pipeline, one piece per step: locate tables → plan columns → decode columns → assemble rows."""
