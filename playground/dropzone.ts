/**
 * Drag-and-drop and the file picker, as one source of files. Returns the function that detaches.
 */
export function attachDropZone(zone: HTMLElement, input: HTMLInputElement, onFiles: (files: File[]) => void): () => void {
  const deliver = (list: FileList | null | undefined): void => {
    const files = list ? Array.from(list) : [];
    if (files.length > 0) onFiles(files);
  };
  const over = (event: DragEvent): void => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('dragging');
  };
  const leave = (event: DragEvent): void => {
    // Leaving for a child of the zone is not leaving the zone.
    if (event.relatedTarget instanceof Node && zone.contains(event.relatedTarget)) return;
    zone.classList.remove('dragging');
  };
  const drop = (event: DragEvent): void => {
    event.preventDefault();
    zone.classList.remove('dragging');
    deliver(event.dataTransfer?.files);
  };
  const change = (): void => {
    deliver(input.files);
    // The same file can be picked again (to see an instant upload).
    input.value = '';
  };
  const click = (event: MouseEvent): void => {
    if (event.target === input || (event.target instanceof Element && event.target.closest('label'))) return;
    input.click();
  };
  const key = (event: KeyboardEvent): void => {
    if (event.target !== zone || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    input.click();
  };
  zone.addEventListener('dragenter', over);
  zone.addEventListener('dragover', over);
  zone.addEventListener('dragleave', leave);
  zone.addEventListener('drop', drop);
  zone.addEventListener('click', click);
  zone.addEventListener('keydown', key);
  input.addEventListener('change', change);
  return () => {
    zone.removeEventListener('dragenter', over);
    zone.removeEventListener('dragover', over);
    zone.removeEventListener('dragleave', leave);
    zone.removeEventListener('drop', drop);
    zone.removeEventListener('click', click);
    zone.removeEventListener('keydown', key);
    input.removeEventListener('change', change);
  };
}
