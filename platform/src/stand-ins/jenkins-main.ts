// Runs the Jenkins stand-in as a platform part: `jenkins-main.ts <port> <state dir>`.
// Credentials come from <state dir>/credentials.json, written by the part's prepare step.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JenkinsStandIn } from "./jenkins.ts";

const [port, dir] = process.argv.slice(2);
if (!port || !dir) throw new Error("usage: jenkins-main.ts <port> <state dir>");
const credentials = JSON.parse(readFileSync(join(dir, "credentials.json"), "utf8")) as {
  user: string;
  token: string;
};
const standIn = await JenkinsStandIn.start({
  ...credentials,
  port: Number(port),
  statePath: join(dir, "builds.json"),
});
console.log(`Jenkins stand-in listening at ${standIn.url}`);
