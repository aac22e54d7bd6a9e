from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return {"message": "Hello from Flask behind gunicorn"}


@app.get("/health")
def health():
    return {"status": "ok"}
