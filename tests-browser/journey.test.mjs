// Browser tests of `anjing serve`: the whole journey a borrower takes, in Chromium, at
// desktop width, then a relative's upload through an intake link at phone width (360 px),
// and hostile SMS bodies that must stay text. Screenshots of each step go to
// tests-browser/artifacts/ (look at them).
//
// Run by scripts/test-all.sh after `cargo test` built target/debug/anjing.
// Needs Debian's chromium at /usr/bin/chromium (installed by scripts/test-all.sh).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const bin = process.env.ANJING_BIN || join(repo, "target/debug/anjing");
const demo = (f) => join(repo, "crates/anjing/demo", f);
const fixture = (f) => join(repo, "crates/anjing/tests/data", f);
const shots = join(here, "artifacts");
mkdirSync(shots, { recursive: true });

let server, url, browser, work;

before(async () => {
  work = mkdtempSync(join(tmpdir(), "anjing-browser-"));
  server = spawn(bin, ["serve", "--port", "0", "--root", join(work, "cases")], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/);
      if (m) resolve(m[0]);
    });
    server.on("exit", (c) => reject(new Error("anjing serve exited " + c)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

async function shot(page, name) {
  await page.screenshot({ path: join(shots, name + ".png"), fullPage: true });
}

/// Fails the test on any dialog (alert) or page error: hostile texts must never run.
function guard(page) {
  const problems = [];
  page.on("dialog", async (d) => { problems.push("dialog: " + d.message()); await d.dismiss(); });
  page.on("pageerror", (e) => problems.push("pageerror: " + e.message));
  return problems;
}

test("the whole journey at desktop width, then a relative at phone width", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: "zh-CN" });
  const page = await ctx.newPage();
  const problems = guard(page);

  // 案件: open with the secret, create a case.
  await page.goto(url);
  assert.equal(new URL(page.url()).search, "", "the token leaves the address bar");
  await assert.doesNotReject(page.getByText("现在该做什么").first().waitFor());
  await shot(page, "01-cases");
  await page.getByLabel("给案件起个名字").fill("张伟 被催收");
  await page.getByRole("button", { name: "新建案件" }).click();
  await page.waitForURL(/\/import$/);

  // 导入: the borrower's exports and hostile SMS bodies, through the file input (XHR upload with progress).
  await page.getByLabel("这些文件是谁的手机里的？").fill("张伟");
  await page.getByLabel("和借款人的关系").fill("本人");
  await page.locator("#files").setInputFiles([demo("borrower-sms.xml"), demo("borrower-calls.xml"), fixture("hostile-sms.xml")]);
  await shot(page, "02-import-chosen");
  await page.getByRole("button", { name: "导入" }).click();
  await page.getByText("这次导入的结果").waitFor({ timeout: 60000 });
  assert.match(await page.content(), /已自动分析/);
  await shot(page, "03-import-done");

  // 时间线: findings highlighted with reasons; reject one with a reason.
  await page.getByRole("link", { name: "看标出的问题" }).click();
  await page.locator("mark").first().waitFor();
  await shot(page, "04-timeline");
  const finding = page.locator(".finding:not(:has(details))").first();
  await finding.getByLabel("原因").fill("这是正常的还款提醒");
  await finding.getByRole("button", { name: "不对" }).click();
  await page.getByText("你的结论：已否定（这是正常的还款提醒）").first().waitFor();
  await shot(page, "05-rejected");

  // Hostile SMS: shown literally, nothing runs, nothing hidden by injected CSS.
  const base = new URL(page.url()).pathname.replace(/timeline$/, "");
  await page.goto(new URL(base + "timeline?number=17112346601", url).href);
  await page.getByText("<script>alert(1)</script>").waitFor();
  await page.goto(new URL(base + "timeline?number=16512340089", url).href);
  const hostile = await page.locator(".record .text").allTextContents();
  assert.ok(hostile.some((t) => t.includes("</style><style>*{display:none}</style>")), hostile.join("|"));
  assert.ok(await page.getByRole("heading", { name: "时间线" }).isVisible(), "the page is still visible");
  await shot(page, "06-hostile");

  // 号码.
  await page.getByRole("link", { name: "3 号码" }).click();
  await page.getByRole("columnheader", { name: "归属地" }).waitFor();
  await shot(page, "07-numbers");

  // 怎么办: the plan, then the facts form.
  await page.getByRole("link", { name: "4 怎么办" }).click();
  await page.getByText("向哪里投诉、怎么做").waitFor();
  await page.getByLabel("放贷方类型").fill("micro_loan");
  await page.getByLabel("放贷机构全称").fill("某某网络小额贷款有限公司");
  await page.getByLabel("借款人姓名").fill("张伟");
  // Who was contacted: one box per group.
  await page.getByLabel("家人、亲属", { exact: true }).check();
  await page.getByLabel("同事", { exact: true }).check();
  await page.getByLabel("对方指定的还款或转账账户").fill("<b>张三</b> 6222 0000");
  await page.getByRole("button", { name: "保存" }).click();
  await page.getByText("已保存").first().waitFor();
  assert.ok(await page.getByLabel("同事", { exact: true }).isChecked(), "the box stays checked");
  assert.ok(!(await page.getByLabel("朋友", { exact: true }).isChecked()));
  assert.equal(await page.getByLabel("对方指定的还款或转账账户").inputValue(), "<b>张三</b> 6222 0000");
  // The deadlines, each with its date or why there is none, and the contacted people's part.
  await page.getByRole("heading", { name: "时间要求" }).waitFor();
  const deadlines = await page.locator(".deadline .due").allTextContents();
  assert.ok(deadlines.length >= 2, deadlines.join("|"));
  assert.ok(deadlines.every((d) => /期限：/.test(d) && /(天|无法计算)/.test(d)), deadlines.join("|"));
  await page.getByRole("heading", { name: "被联系的人：家人、亲属、同事" }).waitFor();
  const message = await page.locator("blockquote.message").textContent();
  assert.ok(message.includes("与工作无关"), message);
  await shot(page, "08-plan");

  // 文书: make them, download a DOCX and a PDF, open the web preview.
  await page.getByRole("link", { name: "5 文书" }).click();
  await page.getByRole("button", { name: "生成" }).click();
  await page.getByText("已生成的文书").waitFor();
  await shot(page, "09-docs");
  const [docx] = await Promise.all([page.waitForEvent("download"), page.locator("a[href$='.docx']").first().click()]);
  const docxPath = join(work, "doc.docx");
  await docx.saveAs(docxPath);
  assert.equal(readFileSync(docxPath).subarray(0, 2).toString(), "PK");
  // The PDF the program wrote (not the browser's print): read back with poppler's pdftotext.
  const [pdfDl] = await Promise.all([page.waitForEvent("download"), page.locator("li", { hasText: "民事起诉状（借款人）" }).locator("a[href$='.pdf']").click()]);
  const pdfPath = join(shots, "10-document.pdf");
  await pdfDl.saveAs(pdfPath);
  assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), "%PDF-");
  const pdfText = execFileSync("pdftotext", ["-raw", pdfPath, "-"], { encoding: "utf8" }).replace(/\s+/g, "");
  assert.match(pdfText, /第1页，共\d+页/);
  assert.ok(pdfText.includes("张伟"), "the facts filled in the form are in the PDF");
  const htmlHref = await page.locator("a[href$='.html']").first().getAttribute("href");
  const preview = await ctx.newPage();
  await preview.goto(new URL(htmlHref, url).href);
  await preview.getByRole("heading").first().waitFor();
  await shot(preview, "10-preview");
  await preview.close();

  // 证据包: export, download, verify with the CLI and through the page.
  await page.getByRole("link", { name: "6 证据包" }).click();
  await page.getByRole("button", { name: "生成证据包" }).click();
  await page.getByText("已生成", { exact: false }).first().waitFor();
  const [zip] = await Promise.all([page.waitForEvent("download"), page.locator("a[href$='.zip']").first().click()]);
  const zipPath = join(work, "package.zip");
  await zip.saveAs(zipPath);
  const v = spawnSync(bin, ["verify", zipPath], { encoding: "utf8" });
  assert.equal(v.status, 0, v.stdout + v.stderr);
  await page.locator("#package-file").setInputFiles(zipPath);
  await page.getByRole("button", { name: "核对" }).click();
  await page.getByText("全部核对通过").first().waitFor();
  await shot(page, "11-verified");

  // 请亲友上传: a link for the mother, used from a phone (360 px, no session cookie).
  await page.getByRole("link", { name: "请亲友上传" }).click();
  await page.getByLabel("亲友的称呼").fill("李梅");
  await page.getByLabel("和借款人的关系").fill("母亲");
  await page.getByRole("button", { name: "生成上传链接" }).click();
  const link = await page.locator("input.link").first().inputValue();
  const port = new URL(url).port;
  const intakeUrl = link.replace(/^http:\/\/127\.0\.0\.1(:\d+)?/, "http://127.0.0.1:" + port);
  await shot(page, "12-intake-link");

  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: "zh-CN" });
  const m = await phone.newPage();
  const mProblems = guard(m);
  await m.goto(intakeUrl);
  await m.getByText("李梅，谢谢你帮忙").waitFor();
  const overflow = await m.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, "no sideways scrolling at 360 px: " + overflow);
  await shot(m, "13-phone-intake");
  await m.locator("#files").setInputFiles([demo("mother-sms.xml")]);
  await m.getByLabel("想说的话").fill("12月5日下午有人打我电话，说我儿子欠钱不还");
  await m.getByRole("button", { name: "上传" }).click();
  await m.getByText("收到了").waitFor({ timeout: 60000 });
  await shot(m, "14-phone-done");
  // The link opens nothing else.
  const res = await m.goto(new URL(base + "timeline", url).href);
  assert.equal(res.status(), 403);
  assert.deepEqual(mProblems, []);
  await phone.close();

  // The mother's records are in the case; the timeline at phone width is usable too.
  await page.goto(new URL(base + "timeline?contributor=" + encodeURIComponent("李梅"), url).href);
  await page.locator(".record").first().waitFor();
  await page.setViewportSize({ width: 360, height: 740 });
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, "timeline fits 360 px: " + w);
  await shot(page, "15-timeline-phone");

  // Keyboard: the first Tab reaches the skip link.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "跳到正文");

  assert.deepEqual(problems, []);
  await ctx.close();
});

test("a page from another origin cannot post into the app", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(url); // the session cookie is set for 127.0.0.1
  const target = new URL("/cases", url).href;
  // A foreign page (about:blank origin) with a form aimed at the app: the browser sends
  // Origin: null and no SameSite=Strict cookie, and the app refuses it.
  await page.setContent(`<form method="post" action="${target}"><input name="title" value="evil"><input name="csrf" value="x"><button>go</button></form>`);
  const [resp] = await Promise.all([page.waitForNavigation(), page.click("button")]);
  assert.equal(resp.status(), 403);
  const cases = await ctx.newPage();
  await cases.goto(url);
  assert.equal(await cases.getByText("evil").count(), 0, "no case was created");
  await ctx.close();
});
