// The IdP's sign-in and sign-out pages: plain HTML forms, no scripts needed.
const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;color:#111}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}</style></head>
<body>${body}</body></html>`;

export function loginPage(action: string, clientName: string, error?: string): string {
  return page(
    "Sign in — fleet local IdP",
    `<h1>Sign in</h1><p>to ${escape(clientName)} (local IdP, Zitadel-shaped claims)</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ""}
<form method="post" action="${escape(action)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
  );
}

export function logoutPage(form: string): string {
  return page(
    "Sign out — fleet local IdP",
    `<h1>Sign out</h1>${form}<p>Sign out of the local IdP?</p>
<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>`,
  );
}
