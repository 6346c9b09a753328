import assert from "node:assert/strict";
import { databasePath, defaultDataDir } from "../../api/cli/paths.ts";

Deno.test("paths - Linux: XDG_DATA_HOME, else ~/.local/share/pingwatcher", () => {
  assert.equal(
    defaultDataDir({ HOME: "/home/ada", XDG_DATA_HOME: "/data/ada" }, "linux"),
    "/data/ada/pingwatcher",
  );
  assert.equal(
    defaultDataDir({ HOME: "/home/ada" }, "linux"),
    "/home/ada/.local/share/pingwatcher",
  );
  assert.equal(
    defaultDataDir({ HOME: "/home/ada", XDG_DATA_HOME: "relative/dir" }, "linux"),
    "/home/ada/.local/share/pingwatcher",
    "the XDG spec says a relative XDG_DATA_HOME is ignored",
  );
  assert.equal(
    defaultDataDir({ HOME: "/usr/home/ada" }, "freebsd"),
    "/usr/home/ada/.local/share/pingwatcher",
  );
});

Deno.test("paths - macOS: ~/Library/Application Support/PingWatcher, XDG not consulted", () => {
  assert.equal(
    defaultDataDir({ HOME: "/Users/ada", XDG_DATA_HOME: "/data/ada" }, "darwin"),
    "/Users/ada/Library/Application Support/PingWatcher",
  );
});

Deno.test("paths - Windows: %LOCALAPPDATA%\\PingWatcher, else under %USERPROFILE%", () => {
  assert.equal(
    defaultDataDir(
      { LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local", USERPROFILE: "C:\\Users\\ada" },
      "windows",
    ),
    "C:\\Users\\ada\\AppData\\Local\\PingWatcher",
  );
  assert.equal(
    defaultDataDir({ USERPROFILE: "C:\\Users\\ada" }, "windows"),
    "C:\\Users\\ada\\AppData\\Local\\PingWatcher",
  );
});

Deno.test("paths - PINGWATCHER_DATA_DIR wins on every platform", () => {
  for (const os of ["linux", "darwin", "windows"]) {
    assert.equal(
      defaultDataDir({ PINGWATCHER_DATA_DIR: "/srv/pw", HOME: "/h", LOCALAPPDATA: "L" }, os),
      "/srv/pw",
    );
  }
});

Deno.test("paths - --db, then PINGWATCHER_DB, then the data directory (created on first use)", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const env = { HOME: dir, XDG_DATA_HOME: `${dir}/xdg`, PINGWATCHER_DB: "/env/x.db" };
    assert.equal(databasePath({ db: "/flag/x.db", dataDir: null }, env), "/flag/x.db");
    assert.equal(databasePath({ db: null, dataDir: null }, env), "/env/x.db");
    assert.equal(
      databasePath({ db: null, dataDir: `${dir}/flag` }, env),
      `${dir}/flag/pingwatcher.db`,
    );
    const { PINGWATCHER_DB: _, ...noDb } = env;
    const expected = Deno.build.os === "linux" ? `${dir}/xdg/pingwatcher/pingwatcher.db` : null;
    const path = databasePath({ db: null, dataDir: null }, noDb);
    if (expected) assert.equal(path, expected);
    assert.ok(Deno.statSync(path.replace(/[\\/]pingwatcher\.db$/, "")).isDirectory);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
