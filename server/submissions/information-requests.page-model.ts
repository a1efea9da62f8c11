import { describeDeadline } from '../proceedings/deadline';
import { requestStatus, type RequestRow } from './information-requests.repository';

const STATUS_LABELS = { open: 'Open', answered: 'Answered', expired: 'Closed unanswered' } as const;

/** Information requests as the submission page shows them: due dates local and UTC, status in words. */
export const requestModels = (rows: RequestRow[], timeZone: string, now: Date) => rows.map((r) => {
  const status = requestStatus(r, now);
  return { id: r.id, question: r.question, due: describeDeadline(r.due_at, timeZone), status, statusLabel: STATUS_LABELS[status] };
});
