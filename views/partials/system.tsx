// System page pieces: the import form with its result, the storage facts (sizes, rows, backups kept), and cloud sync.
/** @jsxImportSource hono/jsx */
import type { ImportResult } from "../../src/backups/import.ts";
import type { StorageFacts } from "../../src/backups/storage.ts";
import type { SyncStatus } from "../../src/sync/client.ts";
import { hx } from "../components/attrs.ts";
import { bytes, formatNumber } from "../components/card.tsx";

/** `2026-05-01 12:30 UTC`: the same on every server, whatever its locale. */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export function ImportSummary({ result }: { result: ImportResult }) {
  const rows = Object.entries(result.tables);
  return (
    <article class="import-summary" role="status">
      <p class="form-message ok">
        Database imported. The previous one is saved as <code>{fileName(result.backup)}</code> in the backups folder.
        {result.migratedFrom ? <> It came from an older OmniRoute (schema {result.migratedFrom}) and was brought up to date.</> : null}
      </p>
      {result.warnings.length ? (
        <ul class="warnings" aria-label="Warnings">
          {result.warnings.map((w) => (
            <li class="form-message error">{w}</li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>Rows imported per table</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Rows</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([name, n]) => (
                <tr>
                  <td>
                    <code>{name}</code>
                  </td>
                  <td>{formatNumber(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </article>
  );
}

export function ImportForm(props: { error?: string; result?: ImportResult; maxMb: number }) {
  const errorId = "f-import-file-error";
  return (
    <form
      id="import-form"
      method="post"
      enctype="multipart/form-data"
      {...hx({
        post: "/dashboard/partials/system/import",
        target: "#import-form",
        swap: "outerHTML",
        confirm:
          "Replace every connection, combo, key and setting with the ones in this file? The current database is saved to the backups folder first.",
      })}
      hx-encoding="multipart/form-data"
      hx-disable="find button"
    >
      {props.result ? <ImportSummary result={props.result} /> : null}
      <label for="f-import-file">
        Database file (.sqlite, or an “export all” .tar.gz)
        <input
          id="f-import-file"
          name="file"
          type="file"
          accept=".sqlite,.sqlite3,.db,.tar.gz,.tgz,application/vnd.sqlite3,application/gzip"
          required
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? errorId : "f-import-file-help"}
        />
        {props.error ? (
          <small id={errorId} class="field-error" role="alert">
            {props.error}
          </small>
        ) : (
          <small id="f-import-file-help">
            Up to {props.maxMb} MB. Checked before anything changes; this gateway's password stays as it is.
          </small>
        )}
      </label>
      <button type="submit">
        Import database{" "}
        <span class="spinner" aria-hidden="true">
          …
        </span>
      </button>
    </form>
  );
}

export function StoragePanel({ facts, oob }: { facts: StorageFacts; oob?: boolean }) {
  return (
    <section id="storage" aria-labelledby="storage-title" {...(oob ? { "hx-swap-oob": "true" } : {})}>
      <h2 id="storage-title">Storage</h2>
      <div class="grid-cards" style="align-items:start">
        <article>
          <dl>
            <dt>Data folder</dt>
            <dd>
              <code class="secret">{facts.dataDir}</code>
            </dd>
            {facts.dialect === "postgres" ? (
              <>
                <dt>Database</dt>
                <dd>
                  PostgreSQL at <code class="secret">{facts.where}</code>, shared by every instance (DATABASE_URL)
                </dd>
                <dt>Database size</dt>
                <dd>{bytes(facts.dbBytes)}</dd>
              </>
            ) : (
              <>
                <dt>Database file</dt>
                <dd>{bytes(facts.dbBytes)}</dd>
                <dt>Write-ahead log (WAL)</dt>
                <dd>{bytes(facts.walBytes ?? 0)}</dd>
              </>
            )}
          </dl>
        </article>
        <article>
          <div class="table-wrap">
            <table>
              <caption class="muted">Rows per table</caption>
              <thead>
                <tr>
                  <th scope="col">Table</th>
                  <th scope="col">Rows</th>
                </tr>
              </thead>
              <tbody>
                {facts.tables.map((t) => (
                  <tr>
                    <td>
                      <code>{t.name}</code>
                    </td>
                    <td>
                      {t.estimated ? (
                        <span title="PostgreSQL's estimate (pg_class.reltuples); counting every row would take long">
                          ≈ {formatNumber(t.rows)}
                        </span>
                      ) : (
                        formatNumber(t.rows)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </article>
      </div>
      <h3>Backups</h3>
      <p class="muted">
        Kept in <code class="secret">{facts.backupsDir}</code>
        {facts.dialect === "postgres" ? " (this instance's data folder)" : ""}. An import saves the database there first.
      </p>
      {facts.backups.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Saved</th>
              </tr>
            </thead>
            <tbody>
              {facts.backups.map((b) => (
                <tr>
                  <td>
                    <code>{b.name}</code>
                  </td>
                  <td>{bytes(b.bytes)}</td>
                  <td>{utcTime(b.modifiedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {facts.backupCount > facts.backups.length ? (
            <p class="muted">
              Showing the newest {facts.backups.length} of {facts.backupCount}.
            </p>
          ) : null}
        </div>
      ) : (
        <p>No backups yet.</p>
      )}
    </section>
  );
}

function when(ms: number | null): string {
  return ms === null ? "never" : utcTime(ms);
}

/** Cloud sync: where to, how it went last, "Sync now", and the conflicts it resolved (last write wins). */
export function CloudSyncPanel({ status }: { status: SyncStatus }) {
  return (
    <section id="cloud-sync" aria-labelledby="cloud-sync-title">
      <h2 id="cloud-sync-title">Cloud sync</h2>
      {!status.enabled ? (
        <p>
          Off. To share providers, combos and settings with another OmniRoute, set <code>CLOUD_URL</code>, <code>CLOUD_API_KEY</code> (a key
          of that instance with the sync scope) and <code>CLOUD_SYNC_KEY</code> (the same passphrase on every device) on this server. This
          gateway can also be the cloud for others: give them its URL and an API key with the sync scope.
        </p>
      ) : (
        <>
          <dl>
            <dt>Cloud</dt>
            <dd>
              <code>{status.cloudUrl}</code> (space <code>{status.space}</code>)
            </dd>
            <dt>This device</dt>
            <dd>
              {status.device?.name} <code>{status.device?.id.slice(0, 8)}</code>
            </dd>
            <dt>Last pulled / pushed</dt>
            <dd>
              {when(status.lastPullAt)} / {when(status.lastPushAt)}
            </dd>
          </dl>
          {status.lastError ? (
            <p class="form-message error" role="alert">
              {status.lastError}{" "}
              <span class="muted">
                ({when(status.lastErrorAt)}; retried every {status.intervalSeconds} s)
              </span>
            </p>
          ) : (
            <p class="form-message ok" role="status">
              {status.lastSyncAt ? `In sync as of ${utcTime(status.lastSyncAt)}.` : "Not synced yet."} Every {status.intervalSeconds} s and
              after each change.
            </p>
          )}
          <button
            type="button"
            class="secondary"
            {...hx({ post: "/dashboard/partials/system/sync", target: "#cloud-sync", swap: "outerHTML" })}
          >
            Sync now{" "}
            <span class="spinner" aria-hidden="true">
              …
            </span>
          </button>
        </>
      )}
      {status.conflicts.length ? (
        <div class="table-wrap">
          <table>
            <caption class="muted">Conflicts resolved (the later write was kept)</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Item</th>
                <th scope="col">Kept from</th>
                <th scope="col">Discarded from</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {status.conflicts.map((c) => (
                <tr>
                  <td>{utcTime(c.at)}</td>
                  <td>
                    {c.kind} <code>{c.name}</code>
                  </td>
                  <td>{c.keptFrom}</td>
                  <td>{c.discardedFrom}</td>
                  <td>{c.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
