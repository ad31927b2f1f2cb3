import * as vscode from 'vscode';

/**
 * Restricted Mode is enforced here, in code, and not only by hiding buttons: commands can be run from the
 * palette, keybindings, other extensions or `executeCommand`. Returns true (and tells the user why) when
 * `what` must not happen in this workspace.
 */
export function refuseInRestrictedMode(what: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(
      `COSMOS: ${what} is disabled in Restricted Mode. In an untrusted workspace COSMOS observes and reasons, ` +
        'but executes no action, posts nothing and calls no LLM. Trust this workspace to enable it.',
      manage,
    )
    .then((pick) => {
      if (pick === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return true;
}
