// The dev and preview servers serve the app, proxy /rpc to the chain's RPC (so the node needs no
// CORS setting) and serve /deployment.json from the deployment file.
//   RPC          the chain's RPC endpoint (default http://127.0.0.1:26657)
//   DEPLOYMENT   the deployment JSON (default ../../target/localnet/deployment.json)
import { defineConfig, type Plugin } from "vite";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

const rpc = process.env.RPC ?? "http://127.0.0.1:26657";
const deployment = resolve(process.env.DEPLOYMENT ?? resolve(__dirname, "../../target/localnet/deployment.json"));

function serveDeployment(): Plugin {
  const handler = async (req: { url?: string }, res: import("node:http").ServerResponse, next: () => void) => {
    if (req.url?.split("?")[0] !== "/deployment.json") return next();
    try {
      const body = await readFile(deployment);
      res.setHeader("Content-Type", "application/json");
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: `no deployment file at ${deployment}` }));
    }
  };
  return {
    name: "serve-deployment",
    configureServer: (server) => void server.middlewares.use(handler),
    configurePreviewServer: (server) => void server.middlewares.use(handler),
  };
}

const proxy = {
  "/rpc": { target: rpc, changeOrigin: true, rewrite: (p: string) => p.replace(/^\/rpc/, "") || "/" },
};

export default defineConfig({
  base: "./",
  plugins: [serveDeployment()],
  // One copy of CosmJS for the app and @tranche-perps/client (a linked package).
  resolve: { dedupe: ["@cosmjs/cosmwasm-stargate", "@cosmjs/amino", "@cosmjs/encoding", "@cosmjs/proto-signing", "@cosmjs/stargate"] },
  server: { host: "127.0.0.1", port: 5173, proxy },
  preview: { host: "127.0.0.1", port: 4173, proxy },
  build: { target: "es2020", chunkSizeWarningLimit: 2000 },
});
