import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The activity a local-activity marker recorded (the SDK core's marker data), else undefined. */
export function localActivityOf(event: HistoryEvent): string | undefined {
  const marker = event.markerRecordedEventAttributes;
  const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0] : undefined;
  return data ? defaultPayloadConverter.fromPayload<{ activity_type?: string }>(data).activity_type : undefined;
}

/** The activity an ActivityTaskScheduled event asks for, else undefined. */
export function scheduledActivityOf(event: HistoryEvent): string | undefined {
  return event.activityTaskScheduledEventAttributes?.activityType?.name ?? undefined;
}

/** The activities the workflow had the server dispatch, in the order it scheduled them. */
export function scheduledActivities(events: HistoryEvent[]): string[] {
  return events.map(scheduledActivityOf).filter((name): name is string => name !== undefined);
}

/** The activities the workflow ran as local activities, in the order their markers were recorded. */
export function localActivities(events: HistoryEvent[]): string[] {
  return events.map(localActivityOf).filter((name): name is string => name !== undefined);
}

/** The activity whose completion `event` records (ActivityTaskCompleted), by its scheduled event, else undefined. */
export function completedActivityOf(events: HistoryEvent[], event: HistoryEvent): string | undefined {
  const scheduledId = event.activityTaskCompletedEventAttributes?.scheduledEventId;
  if (scheduledId === undefined || scheduledId === null) return undefined;
  const scheduled = events.find((e) => Number(e.eventId) === Number(scheduledId));
  return scheduled ? scheduledActivityOf(scheduled) : undefined;
}
