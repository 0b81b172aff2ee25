"""The HTTP edge of clickbait: a Starlette app (``app.create_app``) and its uvicorn runner (``server.run``).

Imported only by ``clickbait serve`` and by tests, so ``clickbait score`` never loads starlette or uvicorn.
"""
