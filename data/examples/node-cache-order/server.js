const express = require("express");

const app = express();
const port = Number(process.env.PORT) || 3000;

app.get("/", (req, res) => {
  res.send("Hello from Express inside a container!\n");
});

app.listen(port, () => {
  console.log(`Listening on port ${port}`);
});
