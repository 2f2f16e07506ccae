import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parseHermes, hermesUrl } from "../src/sources/hermes";
import { parseReplay, replayAt, ReplaySource } from "../src/sources/replay";

const fixture = JSON.parse(readFileSync(join(__dirname, "..", "..", "test", "fixtures", "hermes-latest.json"), "utf8"));

test("hermes: parsed[].price with its exponent and publish time, by feed id (0x or not)", () => {
  const btc = parseHermes(fixture, "0xe62df6c8b4a85fe1a67db44dc12de5db330f7ac66b72dc658afedf0f4a415b43");
  assert.deepEqual(btc, { price: "61432.18532214", publish_time: 1733529600 });
  const eth = parseHermes(fixture, "FF61491A931112DDF1BD8147CD1B641375F79F5825126D665480874634FD0ACE");
  assert.deepEqual(eth, { price: "3675.12345678", publish_time: 1733529600 });
});

test("hermes: refuses a missing feed, a bad price, a wide confidence", () => {
  assert.throws(() => parseHermes(fixture, "0x00"), /not in the answer/);
  assert.throws(() => parseHermes({}, "0x00"), /no parsed/);
  const bad = structuredClone(fixture);
  bad.parsed[0].price.price = "-5";
  assert.throws(() => parseHermes(bad, bad.parsed[0].id), /not positive/);
  assert.throws(() => parseHermes(fixture, fixture.parsed[0].id, 0.00001), /confidence/);
  assert.doesNotThrow(() => parseHermes(fixture, fixture.parsed[0].id, 0.001));
});

test("hermes url", () => {
  assert.equal(hermesUrl("https://hermes.pyth.network/", "abc"), "https://hermes.pyth.network/v2/updates/price/latest?ids[]=0xabc&parsed=true");
});

test("replay: JSON and CSV, sorted, last row at or before t", async () => {
  const rows = parseReplay('[{"t": 20, "price": "70"}, {"t": 0, "price": 100}]');
  assert.deepEqual(rows, [{ t: 0, price: "100" }, { t: 20, price: "70" }]);
  assert.equal(replayAt(rows, 19)?.price, "100");
  assert.equal(replayAt(rows, 20)?.price, "70");
  assert.deepEqual(parseReplay("t,price\n5,1.50\n# note\n1,2"), [{ t: 1, price: "2" }, { t: 5, price: "1.5" }]);
  assert.throws(() => parseReplay("1,0"), /positive/);
  const dir = mkdtempSync(join(tmpdir(), "replay-"));
  const file = join(dir, "p.json");
  writeFileSync(file, '[{"t": 0, "price": "100"}, {"t": 30, "price": "60"}]');
  const src = new ReplaySource(file, { relative: true, start: 1000 });
  assert.deepEqual(await src.latest(1010), { price: "100", publish_time: 1010 });
  assert.deepEqual(await src.latest(1031), { price: "60", publish_time: 1031 });
  assert.equal(await new ReplaySource(file, { relative: true, start: 2000 }).latest(1999), undefined);
});
