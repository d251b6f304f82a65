import { useToast } from '../../components/toast';

/**
 * Copies `text` to the clipboard. Where the page may not write the clipboard (plain HTTP, a denied
 * permission), it selects the input `targetId` instead so the person can copy it themselves.
 */
export function CopyButton({ text, label, targetId }: { text: string; label: string; targetId: string }) {
  const toast = useToast();

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      toast.success('Copied to the clipboard.');
    } catch {
      const input = document.getElementById(targetId);
      if (input instanceof HTMLInputElement) {
        input.focus();
        input.select();
      }
      toast.info('This page may not copy: the text is selected, press Ctrl+C (⌘C on a Mac).');
    }
  }

  return (
    <button type="button" className="button button-small" aria-label={label} onClick={() => void copy()}>
      Copy
    </button>
  );
}
