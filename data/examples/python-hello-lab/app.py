from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello from the lab!"


if __name__ == "__main__":
    # Flask's default port is 5000.
    app.run(host="0.0.0.0")
