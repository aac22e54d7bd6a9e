"""The example book's app: a counter behind one JSON endpoint."""
import os

from flask import Flask, jsonify

app = Flask(__name__)
visits = {"count": 0}


@app.get("/visits")
def count_visit():
    visits["count"] += 1
    return jsonify(count=visits["count"], container=os.uname().nodename)


app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
