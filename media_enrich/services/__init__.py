"""Writes and side effects of finishing: the pipeline (`finishing`) and its steps (`identify`, `artwork`,
`lyrics`, `organize`), the providers' clients (`providers`, `ratelimit`) and indexing a library (`scan`)."""
