// listens on process.env.PORT (3000), proxies /api to 127.0.0.1:8000
const http = require("http");
http.createServer((req, res) => {
  const p = http.request({ host: "127.0.0.1", port: 8000, path: req.url, method: req.method, headers: req.headers }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
  req.pipe(p);
}).listen(process.env.PORT);
