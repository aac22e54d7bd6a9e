"""A small Flask app, started by the image's CMD."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "Built on Ubuntu 16.04, serving on port 5000.\n"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
