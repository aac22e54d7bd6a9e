"""A Flask server whose page color comes from the COLOR variable."""
import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    color = os.environ.get("COLOR", "gray")
    return '<h1 style="color: {0}">This page is {0}.</h1>\n'.format(color)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
