// A stand-in for the Rust side in UI unit tests: records every call and
// answers like the real commands would.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { Connection, Settings } from "../lib/bindings";

export interface FakeBackend {
  settings: Settings;
  connection: Connection;
  calls: { cmd: string; args: unknown }[];
  failSave?: { code: string; message: string };
}

export function fakeBackend(initial: Partial<FakeBackend> = {}): FakeBackend {
  const backend: FakeBackend = {
    settings: { language: "en", cloud: "worldwide" },
    connection: { kind: "none" },
    calls: [],
    ...initial,
  };
  clearMocks();
  mockIPC((cmd, args) => {
    backend.calls.push({ cmd, args });
    switch (cmd) {
      case "get_settings":
        return backend.settings;
      case "save_settings": {
        if (backend.failSave) throw backend.failSave;
        backend.settings = (args as { settings: Settings }).settings;
        return backend.settings;
      }
      case "connection_status":
        return backend.connection;
      case "clouds":
        return [
          { cloud: "worldwide", graph: "https://graph.microsoft.com", login: "https://login.microsoftonline.com", adminCenter: "https://admin.microsoft.com" },
          { cloud: "china", graph: "https://microsoftgraph.chinacloudapi.cn", login: "https://login.chinacloudapi.cn", adminCenter: "https://portal.partner.microsoftonline.cn" },
        ];
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
  return backend;
}
