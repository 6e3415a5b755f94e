import type { Command } from '../../protocol/api.js';
import type { CommandContext, CommandOutcome } from './command-context.js';
import { leaveGroup, setContactNote } from './group-commands.js';
import { acceptInvite, cancelInvite, createInvite, declineInvite } from './invite-commands.js';

/** Applies one command's rules inside the caller's transaction. */
export function executeCommand(ctx: CommandContext, command: Command): Promise<CommandOutcome> {
  switch (command.type) {
    case 'invite.create':
      return createInvite(ctx, command);
    case 'invite.cancel':
      return cancelInvite(ctx, command);
    case 'invite.accept':
      return acceptInvite(ctx, command);
    case 'invite.decline':
      return declineInvite(ctx, command);
    case 'group.leave':
      return leaveGroup(ctx, command);
    case 'group.set-note':
      return setContactNote(ctx, command);
  }
}
