// System: export the database (alone or with readable JSON), import one, cloud sync, and the storage facts.
/** @jsxImportSource hono/jsx */
import type { StorageFacts } from "../../src/backups/storage.ts";
import type { SyncStatus } from "../../src/sync/client.ts";
import { Layout } from "../components/layout.tsx";
import { CloudSyncPanel, ImportForm, StoragePanel } from "../partials/system.tsx";

export function SystemPage(props: { facts: StorageFacts; maxMb: number; defaultPassword: boolean; sync: SyncStatus }) {
  return (
    <Layout title="System" active="/dashboard/system" defaultPassword={props.defaultPassword}>
      <h1>System</h1>
      <section aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <p>
          A consistent copy of the live database, safe to take while requests run. Provider credentials and custom node headers stay
          encrypted with this gateway's <code>ENCRYPTION_KEY</code>, which an export never carries: keep
          <code>secrets.json</code> from the data folder (or the secrets you set in the environment) with your backups. Another gateway
          reads them only with the same key.
        </p>
        <p>
          <a href="/api/db-backups/export" role="button" download>
            Download database (.sqlite)
          </a>{" "}
          <a href="/api/db-backups/exportAll" role="button" class="secondary" download>
            Download everything (.tar.gz)
          </a>
        </p>
        <p class="muted">
          “Everything” adds readable JSON beside the database: settings, combos, provider connections (without their keys), custom providers
          and API key names (never the keys).
        </p>
      </section>
      <section aria-labelledby="import-title">
        <h2 id="import-title">Import</h2>
        <p>
          Replaces connections, combos, keys, settings and usage history with those in the file, without a restart: requests in flight
          finish normally.
        </p>
        <ImportForm maxMb={props.maxMb} />
      </section>
      <CloudSyncPanel status={props.sync} />
      <StoragePanel facts={props.facts} />
    </Layout>
  );
}
