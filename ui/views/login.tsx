// Login page, shown when the server asks for a password.
import { useState } from "preact/hooks";

export function Login(props: { error: string | null; onLogin: (password: string) => void }) {
  const [password, setPassword] = useState("");
  return (
    <main class="login">
      <form
        class="card"
        aria-label="Log in"
        onSubmit={(e) => {
          e.preventDefault();
          props.onLogin(password);
        }}
      >
        <h1>PingWatcher</h1>
        <p class="muted">This server needs a password.</p>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            autoFocus
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        {props.error && <p class="error" role="alert">{props.error}</p>}
        <button type="submit" class="primary">Log in</button>
      </form>
    </main>
  );
}
