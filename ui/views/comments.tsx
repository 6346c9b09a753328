// The timeline comments of the shown range as a list, each with a delete button (a person's and
// those of the alerts' comment action alike).
import type { Comment } from "../model/comments.ts";
import { formatTime } from "../model/format.ts";

export function CommentList(props: { comments: Comment[]; onRemove: (comment: Comment) => void }) {
  if (!props.comments.length) return null;
  return (
    <ul class="comment-list" aria-label="Comments in this range">
      {props.comments.map((c) => (
        <li key={c.id} data-testid="comment">
          <span class="time">{formatTime(c.at)}</span> {c.text}
          {c.source !== "user" && <span class="badge">alert</span>}
          <button
            type="button"
            class="link"
            aria-label={`Delete comment ${c.text}`}
            onClick={() => props.onRemove(c)}
          >
            delete
          </button>
        </li>
      ))}
    </ul>
  );
}
