"""`uvicorn civic.asgi:app` for deployments that run several worker processes."""

from civic.app import create_app

app = create_app()
