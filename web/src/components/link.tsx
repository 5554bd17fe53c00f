import { useNavigate } from '@solidjs/router';
import { type JSX, splitProps } from 'solid-js';

/** An in-app link: a real `<a href>` (so it opens in a new tab too) that navigates without reloading. */
export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const navigate = useNavigate();
  const [own, rest] = splitProps(props, ['href']);
  const follow = (event: MouseEvent) => {
    const plain =
      event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (!plain) return;
    event.preventDefault();
    navigate(own.href);
  };
  return <a href={own.href} onClick={follow} {...rest} />;
}
