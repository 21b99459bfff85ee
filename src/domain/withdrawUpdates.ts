// A supporter stops the organisation's updates, from the link in any email the service sent
// them: the status link's secret proves the mailbox. The page asks before anything changes (a
// mail scanner following the link withdraws nothing); the withdrawal is recorded with its time
// on every consent to updates the person gave, and takes them out of the opted-in export.
import { getActionStatus } from './actionStatus';
import type { ActionStore } from './ports';

export async function updatesChoice(actions: ActionStore, id: string, token: unknown) {
  const action = await getActionStatus(actions, id, token);
  return { action, ...(await actions.updatesConsent(action.id)) };
}

export async function withdrawUpdates(actions: ActionStore, id: string, token: unknown): Promise<{ withdrawn: number }> {
  const action = await getActionStatus(actions, id, token);
  return { withdrawn: await actions.withdrawUpdates(action.id) };
}
