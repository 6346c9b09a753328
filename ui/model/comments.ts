// Timeline comments of the selected target over the timeline's range, kept on the server: a
// person's (added here) and those of the alerts' comment action, shared by every browser.
import { effect, signal } from "@preact/signals";
import type { CommentsReply, TimelineComment } from "../../api/wire.ts";
import { del, describeError, get, post, query } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { selectedId } from "./targets.ts";
import { throttle } from "./throttle.ts";
import { range } from "./timeline.ts";

/** source: "user" (added by a person) or "alert" (the add-comment action). */
export type Comment = TimelineComment;

export const comments = signal<Comment[]>([]);
export const commentsError = signal<string | null>(null);

export async function refreshComments(): Promise<void> {
  const id = selectedId.value;
  if (id === null) {
    comments.value = [];
    return;
  }
  const r = range.value;
  // A preset's range follows now: ask up to the end of time so a comment made now is in it.
  const end = r.preset ? undefined : Math.ceil(r.end);
  try {
    const q = query({ start: Math.floor(r.start), end });
    const body = await get<CommentsReply>(`/api/targets/${id}/comments${q}`);
    if (selectedId.value !== id) return;
    comments.value = body.comments;
    commentsError.value = null;
  } catch (error) {
    commentsError.value = describeError(error);
  }
}

const refreshSoon = throttle(refreshComments, 1000);

export async function addComment(at: number, text: string): Promise<void> {
  const id = selectedId.value;
  if (id === null) return;
  try {
    await post(`/api/targets/${id}/comments`, { at: Math.round(at), text });
    commentsError.value = null;
  } catch (error) {
    commentsError.value = describeError(error);
  }
  await refreshComments();
}

export async function removeComment(comment: Comment): Promise<void> {
  try {
    await del(`/api/targets/${comment.targetId}/comments/${comment.id}`);
    commentsError.value = null;
  } catch (error) {
    commentsError.value = describeError(error);
  }
  await refreshComments();
}

export function initComments(): void {
  let shownFor: number | null = null;
  effect(() => {
    const id = selectedId.value;
    range.value;
    // Another target's comments never stay on screen while this one's load.
    if (id !== shownFor) comments.value = [];
    shownFor = id;
    refreshSoon();
  });
  // An alert may have commented (its comment action).
  onLive((event) => {
    if (event.kind === "alert" && event.targetId === selectedId.value) refreshSoon();
  });
  onReconnect(refreshSoon);
}
