import { useState } from 'react';
import { ApiClient, useNotice, type ActionProps, type RecordActionResponse } from 'adminjs';
import { useNavigate } from 'react-router';

const api = new ApiClient();

/**
 * A record action's confirmation form, sent as a POST (opening the action never runs it): the
 * server's notice is shown and its redirect followed; `onAnswer` sees the rest (e.g. field errors).
 */
export function useRecordAction({ action, record, resource }: ActionProps, onAnswer?: (data: RecordActionResponse) => void) {
  const [busy, setBusy] = useState(false);
  const addNotice = useNotice();
  const navigate = useNavigate();
  const submit = async (event: React.FormEvent, values: Record<string, string> = {}) => {
    event.preventDefault();
    setBusy(true);
    try {
      const { data } = await api.recordAction({ resourceId: resource.id, recordId: record!.id, actionName: action.name, data: values });
      if (data.notice) addNotice(data.notice);
      onAnswer?.(data);
      if (data.redirectUrl) navigate(data.redirectUrl);
    } finally {
      setBusy(false);
    }
  };
  return { busy, submit };
}

/**
 * A record action's form of fields: their values, and the errors the server sent for them
 * (cleared by an answer without any); `submit` sends the values.
 */
export function useRecordActionForm(props: ActionProps, initial: Record<string, string> = {}) {
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<Record<string, { message?: string }>>({});
  const { busy, submit } = useRecordAction(props, (data) => setErrors(data.record?.errors ?? {}));
  const set = (name: string, value: string) => setValues({ ...values, [name]: value });
  return { values, set, errors, busy, submit: (event: React.FormEvent) => submit(event, values) };
}
