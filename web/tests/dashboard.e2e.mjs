// Browser test of the dashboard against the real stack (driven by tests/e2e/test_dashboard.py).
// Headless Debian Chromium through playwright-core; screenshots go to $OUT_DIR.
import { spawnSync } from "node:child_process";
import { chromium } from "playwright-core";

const base = process.env.BASE_URL;
const token = process.env.TOKEN;
const out = process.env.OUT_DIR;
const replay = JSON.parse(process.env.REPLAY_CMD);

function step(name) {
  console.log(`step: ${name}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         // The test stack's ports are shifted; some (10080) are on Chromium's unsafe-port list.
         `--explicitly-allowed-ports=${new URL(base).port}`],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => console.log(`page error: ${e}`));
  await page.goto(base);
  await page.evaluate((t) => localStorage.setItem("satmon.token", t), token);
  await page.reload();

  step("fleet shows the satellites");
  await page.waitForSelector('tr[data-satellite="SAT-001"]', { timeout: 30000 });
  await page.waitForSelector("td.cell.nominal, td.cell.anomaly, td.cell.alert", { timeout: 30000 });
  await page.screenshot({ path: `${out}/fleet.png` });

  step("trend chart shows raw and predicted data");
  await page.locator('tr[data-satellite="SAT-001"] td.cell').first().click();
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="trend-points"]');
    return el && parseInt(el.textContent ?? "0", 10) > 10 && document.querySelectorAll(".uplot").length >= 2;
  }, null, { timeout: 30000 });
  await page.screenshot({ path: `${out}/trends.png` });

  step("a new alert appears live, without reload");
  await page.click('nav button:has-text("alerts")');
  await page.waitForSelector('table[data-testid="alerts"]');
  const before = await page.locator("tr[data-alert]").count();
  const firstBefore = before ? await page.locator("tr[data-alert]").first().getAttribute("data-alert") : "";
  const result = spawnSync(replay[0], replay.slice(1), { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`replay failed: ${result.status}`);
  await page.waitForFunction((old) => {
    const first = document.querySelector("tr[data-alert]");
    return first && first.getAttribute("data-alert") !== old && first.classList.contains("open");
  }, firstBefore, { timeout: 90000 });
  await page.screenshot({ path: `${out}/alert-live.png` });

  step("acknowledging it works");
  await page.fill('input[aria-label="comment"]', "seen in the dashboard");
  const row = page.locator("tr[data-alert].open").first();
  const id = await row.getAttribute("data-alert");
  await row.locator('button:has-text("acknowledge")').click();
  await page.waitForSelector(`tr[data-alert="${id}"].acknowledged`, { timeout: 15000 });
  const state = await page.locator(`tr[data-alert="${id}"] td.state`).textContent();
  // The operator is the bearer token's name, not something typed into the page.
  if (!state?.includes(`by ${process.env.OPERATOR_NAME}`)) throw new Error(`acknowledged row says ${state}`);
  await page.screenshot({ path: `${out}/alert-acknowledged.png` });
  console.log(`acknowledged alert ${id}`);
} finally {
  await browser.close();
}
