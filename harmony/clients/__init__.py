"""All outbound HTTP of Harmony: one module per outside service on one session factory (`http.py`)."""
