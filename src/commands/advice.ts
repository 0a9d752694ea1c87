import { UsageError } from './errors';
import { closestMatch } from './suggest';
import type { ReportAdvice } from './report';
import type { CommandSpec } from './types';

export const adviceCommand: CommandSpec = {
  name: 'advice',
  summary: 'Microsoft and CISA hardening advice for routers and for password spray',
  details: 'Without an id: the whole catalog. With an id (as findings list them): that item.',
  examples: ['advice', 'advice identity-mfa'],
  args: [{ name: 'id', description: 'an advice id, e.g. identity-mfa' }],
  options: [],
  access: 'open',
  async run(input, ctx) {
    const catalog = ctx.services.content.advice;
    const wanted = input.args.id as string | undefined;
    const toItem = (a: (typeof catalog)[number]): ReportAdvice => ({ id: a.id, title: a.title, text: a.text, url: a.url });
    if (wanted) {
      const item = catalog.find((a) => a.id === wanted.toLowerCase());
      if (!item) {
        const suggestion = closestMatch(wanted.toLowerCase(), catalog.map((a) => a.id));
        throw new UsageError(
          `There is no advice "${wanted}".${suggestion ? ` Did you mean ${suggestion}?` : ''} Known ids: ${catalog.map((a) => a.id).join(', ')}`,
        );
      }
      return {
        title: item.title,
        tone: 'neutral',
        summary: item.title,
        sections: [{ kind: 'advice', items: [toItem(item)] }],
        attachments: [],
        outcome: 'ok',
        json: { advice: [toItem(item)] },
      };
    }
    const router = catalog.filter((a) => a.topic === 'router').map(toItem);
    const identity = catalog.filter((a) => a.topic === 'identity').map(toItem);
    return {
      title: 'Hardening advice',
      tone: 'neutral',
      summary: `${catalog.length} advice items: ${router.length} for routers, ${identity.length} for accounts under password spray`,
      sections: [
        { kind: 'advice', heading: 'Routers and other SOHO devices', items: router },
        { kind: 'advice', heading: 'Accounts: password spray (Microsoft 365 / Entra ID, Active Directory)', items: identity },
      ],
      attachments: [],
      outcome: 'ok',
      json: { advice: [...router, ...identity] },
    };
  },
};
