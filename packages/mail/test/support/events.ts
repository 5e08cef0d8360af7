// Waits for the mailer's next event: real sockets answer on their own time, so a test advances the test clock only
// once the mailer has scheduled what it waits for (a retry is published just before its timer is set).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mailChannels } from '../../src/index.ts';

export function nextEvent(event: keyof typeof mailChannels): Promise<unknown> {
  const name = mailChannels[event].name as string;
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      unsubscribe(name, listener);
      resolve(message);
    };
    subscribe(name, listener);
  });
}
