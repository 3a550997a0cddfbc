// Starts `dtiscore lsp` (the language server of the dtiscore package) for .dti files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("dtiscore").get("command");
  client = new LanguageClient(
    "dtiscore",
    "dtiscore",
    { command, args },
    { documentSelector: [{ language: "dti" }] }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
