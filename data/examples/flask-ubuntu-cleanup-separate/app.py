"""The web app for the Ubuntu and Alpine lessons (runs on Python 2 and 3)."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "Hi! This page was served from inside a container.\n"


if __name__ == "__main__":
    # Listen on every interface, not just localhost, so that a port
    # published with `docker run -p 5000:5000` can reach the server.
    app.run(host="0.0.0.0", port=5000)
